"""One colour for each actor group, shared by every chart and the briefing slides, and the projector type sizes.

The colours are the Okabe–Ito palette (safe for the common forms of colour
blindness), with its black replaced by a mid grey so that it reads on both the
light and the dark theme. Thirteen actor values share eight colours: the
actors the seeds rarely name are grouped with their closest ally, and the
grouping is fixed here, so an actor has the same colour on every page.
"""

from __future__ import annotations

#: colour group -> hex colour, in legend order
GROUP_COLOURS: dict[str, str] = {
    "Kazakhstan government": "#0072B2",  # blue
    "Kazakhstan public": "#56B4E9",  # sky blue
    "Russia government": "#D55E00",  # vermillion
    "Russian politicians and media": "#E69F00",  # orange
    "CSTO and Belarus": "#CC79A7",  # reddish purple
    "China": "#009E73",  # bluish green
    # grey for the West: yellow is the palette's weakest colour on white, so it goes to the
    # group the seeds give fewest scored events
    "West, US and Turkey": "#999999",  # grey
    "Ukraine, Azerbaijan and others": "#F0E442",  # yellow
}

#: actor value (the codebook's actor groups) -> colour group
ACTOR_GROUP: dict[str, str] = {
    "Kazakhstan government": "Kazakhstan government",
    "Kazakhstan public": "Kazakhstan public",
    "Russia government": "Russia government",
    "Russian politicians and media": "Russian politicians and media",
    "CSTO": "CSTO and Belarus",
    "Belarus": "CSTO and Belarus",
    "China": "China",
    "West": "West, US and Turkey",
    "United States": "West, US and Turkey",
    "Turkey": "West, US and Turkey",
    "Ukraine": "Ukraine, Azerbaijan and others",
    "Azerbaijan": "Ukraine, Azerbaijan and others",
    "Other": "Ukraine, Azerbaijan and others",
}

OTHER_GROUP = "Ukraine, Azerbaijan and others"

#: policy domain -> point shape (Vega-Lite shape names); eight domains, eight shapes
DOMAIN_SHAPES: dict[str, str] = {
    "diplomatic": "circle",
    "sanctions": "square",
    "security": "triangle-up",
    "energy": "diamond",
    "economy": "triangle-down",
    "information": "cross",
    "society": "triangle-right",
    "domestic": "triangle-left",
}

#: public-sentiment leaning -> colour (Paul Tol's bright scheme, also colour-blind safe,
#: kept apart from the actor colours so the two are not confused)
LEANING_COLOURS: dict[str, str] = {
    "pro-Ukraine / anti-war": "#4477AA",
    "against pro-Russia speech": "#66CCEE",
    "pro-Russia": "#EE6677",
    "anti-government": "#CCBB44",
    "mixed": "#BBBBBB",
}

#: credibility grade (1 best .. 6 worst) -> mark opacity: better information is drawn more solidly
CREDIBILITY_OPACITY: dict[int, float] = {1: 1.0, 2: 0.85, 3: 0.7, 4: 0.5, 5: 0.35, 6: 0.25}


def actor_group(actor: object) -> str:
    """The colour group of an actor value; unknown or blank actors fall in the grey group."""
    return ACTOR_GROUP.get(actor, OTHER_GROUP) if isinstance(actor, str) else OTHER_GROUP


def actor_colour(actor: object) -> str:
    """The hex colour of an actor value."""
    return GROUP_COLOURS[actor_group(actor)]


# --------------------------------------------------------------------------
# projector type sizes (px), shared by the one chart theme (dashboard.charts) and the marks layer, which places
# labels by their width (dashboard.marks); the briefing's floor is 18 for titles and 14 for labels

TITLE_SIZE = 22
SUBTITLE_SIZE = 16
LABEL_SIZE = 16
AXIS_TITLE_SIZE = 17
TEXT_SIZE = 15
