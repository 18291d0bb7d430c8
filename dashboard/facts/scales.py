"""The codebook's grading scales as it words them: source reliability (Admiralty) and information credibility.

One job: the wording of the two grades every citation carries.
"""

from __future__ import annotations

#: Source reliability (Admiralty scale), as the codebook words it (tests check it is verbatim in data/README.md)
RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

#: Information credibility, 1 best .. 6, as the codebook words it
CREDIBILITY: dict[int, str] = {
    1: "confirmed by another seed or by a matter of public record",
    2: "probably true (one seed, consistent with the others)",
    3: "possibly true (one seed relaying unnamed sources, or disputed)",
    4: "doubtful (the seed itself doubts it, or the claim is unsubstantiated)",
    5: "improbable (contradicted by the record)",
    6: "truth cannot be judged (opinions and forecasts by third parties)",
}

