"""Map page: the CPC and Azerbaijan routes and the Kazakhstan–Russia border, offline."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import geo, maps, ui


@st.cache_data(show_spinner=False)
def _geometry() -> tuple[dict, dict]:
    return geo.load_countries(), geo.load_border()


st.title("Map: export routes and the border")
st.markdown(
    "Kazakhstan's two oil export corridors and its border with Russia. Figures and quotes come from the seeds; "
    "country outlines (Natural Earth 1:50m, UN borders), route waypoints and published route lengths are "
    "**outside reference data**, named in each tooltip. Hover for figures; click an object for its quotes."
)

loaded = ui.tables()
ui.problem_panel(loaded)
countries, border = _geometry()

PAGE = "map"
LAYERS_KEY, ONLINE_KEY, OBJECT_KEY = f"{PAGE}.layers", f"{PAGE}.online", f"{PAGE}.object"
params = ui.url_params()
if ui.url_changed(PAGE, [LAYERS_KEY, ONLINE_KEY]):
    # a shared link: ?layers=…&online=1&object=<map object key>
    wanted = [name for name in params.get("layers", []) if name in maps.LAYERS]
    st.session_state[LAYERS_KEY] = wanted if "layers" in params else list(maps.LAYERS)
    st.session_state[ONLINE_KEY] = params.get("online", ["0"])[-1] == "1"
    st.session_state[OBJECT_KEY] = (params.get("object") or [None])[-1]

controls = st.columns([3, 1])
shown = controls[0].pills("Layers", maps.LAYERS, selection_mode="multi", key=LAYERS_KEY)
online = controls[1].toggle(
    "Online basemap",
    key=ONLINE_KEY,
    help="Off by default: the map is drawn from local geometry and requests nothing from the internet. "
    "Turn on only where there is a connection; it loads CARTO tiles under the local layers.",
)

deck = maps.deck(loaded.frames, countries, border, visible=set(shown or ()), online_basemap=online)
event = st.pydeck_chart(deck, height=640, width="stretch", on_select="rerun", selection_mode="single-object", key="map")

st.markdown(
    "  \n".join(
        f'<span style="color:{colour}; font-size:1.4em">■</span> **{name}** — {what}' for name, colour, what in maps.legend()
    ),
    unsafe_allow_html=True,  # fixed legend text from maps.legend(), no data-derived content
)

unplaced = maps.unplaced_assets(loaded.frames, border)
if len(unplaced):
    st.caption(
        "Named in the seeds but not drawn, for want of a reference position: "
        + "; ".join(f"{r['asset']} ({r['company']} {r['as_stated'].split('(')[-1].rstrip(')')}, {r['source_id']})" for r in unplaced.to_dict("records"))
        + "."
    )

clicked = next(
    (objs[0] for objs in (event.selection.objects or {}).values() if objs) if event and event.selection else iter(()),
    None,
)
if clicked is not None:
    st.session_state[OBJECT_KEY] = clicked["key"]
selected_key = st.session_state.get(OBJECT_KEY)
ui.write_url(
    PAGE,
    {
        "layers": [] if set(shown or ()) == set(maps.LAYERS) else list(shown or ["none"]),
        "online": "1" if online else None,
        "object": selected_key,
    },
)
ui.share_link(ui.url_params())

if selected_key:
    st.subheader(maps.object_title(selected_key))
    rows = maps.object_rows(loaded.frames, selected_key)
    if rows.empty:
        st.info("The seeds give no dated event or figure for this object.")
    else:
        for row in rows.to_dict("records"):
            date = row["when"]
            st.markdown(f"**{ui._md(row['what'])}** · {date} · `{row['table']}` `{row['id']}` · seed {row['source_id']}")
            st.caption(f"“{ui._md(row['quote'])}”")  # verbatim: markup in a quote is shown, not rendered
else:
    st.caption("Select a route, the border, a site or a city on the map to list its quotes and events here.")

st.subheader("Lengths: seeds, published and drawn")
facts = maps.border_facts(loaded.frames, border)
lengths = [
    {
        "object": maps.BORDER,
        "seeds (km)": facts["seed_km"],
        "published (km)": None,
        "drawn (km)": round(facts["drawn_km"]),
        "source of the published length": "—",
    }
] + [
    {
        "object": r.name,
        "seeds (km)": None,
        "published (km)": r.published_km,
        "drawn (km)": round(r.computed_km),
        "source of the published length": r.length_source or "none published",
    }
    for r in (maps.route_lengths(loaded["routes"], loaded["route_waypoints"]) if "routes" in loaded and "route_waypoints" in loaded else [])
]
st.dataframe(pd.DataFrame(lengths), hide_index=True, width="stretch")
st.caption(
    f"{facts['explanation']} Drawn route lengths are geodesic distances along the approximate waypoints in "
    "`data/route_waypoints.csv`, so they run shorter than the built pipelines."
)
