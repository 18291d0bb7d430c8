"""Sections: one pure function per topic returns a :class:`~dashboard.sections.base.Section`.

A section is everything a topic says (title, subtitle, each chart's spec and the
data behind it, the one-line summary, caveats, the source line, speaker notes and
the claims it makes). The page (``dashboard/views``) and the slide
(``dashboard/brief``) both lay out the same section; neither computes what a
topic says. No Streamlit here: a test can build every section without a browser
or a deck.
"""
