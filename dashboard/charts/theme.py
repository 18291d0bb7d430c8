"""The charts' one look and the spec they return: the registered Altair theme, :class:`Spec`, the dark variant.

One job: what every chart shares as a whole (theme, sizing, the spec object,
dark-background text), not what any one chart draws.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

import altair as alt

from dashboard.palette import AXIS_TITLE_SIZE, GROUP_COLOURS, LABEL_SIZE, SUBTITLE_SIZE, TEXT_SIZE, TITLE_SIZE


#: chart text on a light background (12.6:1 on white)
LIGHT_TEXT = "#333333"

#: the dashboard's chart theme: projector type sizes and the palette; registered with Altair and enabled once, below
THEME: dict[str, Any] = {
    "config": {
        "title": {"anchor": "start", "fontSize": TITLE_SIZE, "subtitleFontSize": SUBTITLE_SIZE, "offset": 10},
        # axis and legend text at AA contrast (Streamlit's own grey is about 3.7:1 on white): LIGHT_TEXT is 12.6:1
        "axis": {"labelFontSize": LABEL_SIZE, "titleFontSize": AXIS_TITLE_SIZE, "labelLimit": 360,
                 "labelColor": LIGHT_TEXT, "titleColor": LIGHT_TEXT},
        "legend": {"labelFontSize": LABEL_SIZE, "titleFontSize": LABEL_SIZE + 1, "symbolSize": 160, "labelLimit": 320,
                   "labelColor": LIGHT_TEXT, "titleColor": LIGHT_TEXT},
        "header": {"labelFontSize": LABEL_SIZE + 2, "titleFontSize": AXIS_TITLE_SIZE, "labelColor": LIGHT_TEXT,
                   "titleColor": LIGHT_TEXT},
        "text": {"fontSize": TEXT_SIZE},
        # a chart with no width of its own (the defence facet: Vega-Lite cannot fit a facet to its container) has
        # 600 px panels, so with its row labels and bar labels it fits a page column; every other chart fills its container
        "view": {"continuousWidth": 600, "continuousHeight": 300},
        "range": {"category": list(GROUP_COLOURS.values())},
    }
}
THEME_NAME = "dashboard"


@alt.theme.register(THEME_NAME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return json.loads(json.dumps(THEME))  # a fresh copy each time: Altair merges into it


#: text colours on the dark theme (Streamlit's chart theme colours axes and legends, not text marks or subtitles)
DARK_TEXT = "#ECECEC"
#: legend symbols that no colour scale fills (shapes, credibility) on the dark theme: black by default, unreadable there
DARK_SYMBOL = "#BBBBBB"

#: how Streamlit sizes charts, used for exports too: ``height`` is the whole chart, legends and title included
AUTOSIZE = {"type": "fit", "contains": "padding"}
PADDING = {"top": 12, "left": 6, "right": 12, "bottom": 6}


def _merged(base: dict, top: Mapping) -> dict:
    """``base`` updated by ``top``, nested dicts merged (``top`` wins), in place on ``base``."""
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merged(base[key], value)
        else:
            base[key] = value
    return base


class Spec:
    """A whole chart as a Vega-Lite spec (plain JSON), composed by a builder.

    ``to_dict()`` returns a fresh copy with the active Altair theme (the
    dashboard's, registered once above) merged under the spec's own settings,
    as Altair does for its charts, so ``st.altair_chart``, ``vl_convert`` and
    the tests take it as they take an Altair chart. It does not validate by
    default: the spec is composed from code the tests validate (see
    tests/test_charts.py); ``to_dict(validate=True)`` checks it against the
    Vega-Lite schema.
    """

    __slots__ = ("spec",)

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def to_dict(self, validate: bool = False, **_: Any) -> dict[str, Any]:
        out = json.loads(json.dumps(self.spec))
        theme = alt.theme.get()
        if theme is not None:
            out = _merged(theme() or {}, out)
        if validate:
            alt.TopLevelSpec.validate(out)
        return out

    def to_json(self, validate: bool = False, indent: int | None = 2, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(validate), indent=indent, **kwargs)

    def copy(self, deep: bool = True) -> Spec:
        return Spec(json.loads(json.dumps(self.spec)) if deep else dict(self.spec))

    def properties(self, **kwargs: Any) -> Spec:
        """A copy with these top-level settings (``width``, ``height``, ``title``, ...) replaced, as Altair's."""
        return Spec({**self.spec, **kwargs})

    @property
    def title(self) -> Any:
        return self.spec.get("title")

    def __repr__(self) -> str:
        title = self.spec.get("title")
        return f"Spec({(title or {}).get('text') if isinstance(title, dict) else title!r})"


def spec(chart: Any) -> dict[str, Any]:
    """A chart's Vega-Lite dict without schema validation: a :class:`Spec`'s, or an Altair chart's (the map)."""
    return chart.to_dict(validate=False)


def for_dark(chart: Any) -> Any:
    """A copy of a chart whose own text (labels, title, subtitle) and uncoloured legend symbols read on a dark
    background."""
    if isinstance(chart, Spec):
        out = chart.copy(deep=False)
        config = dict(out.spec.get("config", {}))
        config["text"] = {**config.get("text", {}), "color": DARK_TEXT}
        config["title"] = {**config.get("title", {}), "color": DARK_TEXT, "subtitleColor": DARK_TEXT}
        config["legend"] = {**config.get("legend", {}), "symbolFillColor": DARK_SYMBOL, "symbolStrokeColor": DARK_SYMBOL,
                            "labelColor": DARK_TEXT, "titleColor": DARK_TEXT}
        config["axis"] = {**config.get("axis", {}), "labelColor": DARK_TEXT, "titleColor": DARK_TEXT}
        config["header"] = {**config.get("header", {}), "labelColor": DARK_TEXT, "titleColor": DARK_TEXT}
        out.spec["config"] = config
        return out
    out = chart.copy(deep=True)  # an Altair chart (the map)
    text = out.config.text if out.config.text is not alt.Undefined else alt.MarkConfig(fontSize=TEXT_SIZE)
    text.color = DARK_TEXT
    out.config.text = text
    out.config.title = alt.TitleConfig(color=DARK_TEXT, subtitleColor=DARK_TEXT)
    return out
