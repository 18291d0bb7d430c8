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

controls = st.columns([3, 1])
shown = controls[0].pills(
    "Layers",
    maps.LAYERS,
    default=list(maps.LAYERS),
    selection_mode="multi",
    key="map_layers",
)
online = controls[1].toggle(
    "Online basemap",
    value=False,
    key="map_online",
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

selected = next(
    ((layer, objs[0]) for layer, objs in (event.selection.objects or {}).items() if objs) if event and event.selection else iter(()),
    None,
)
if selected:
    layer, obj = selected
    st.subheader(obj.get("name") or layer)
    rows = maps.object_rows(loaded.frames, obj["key"])
    if rows.empty:
        st.info("The seeds give no dated event or figure for this object.")
    else:
        for row in rows.to_dict("records"):
            date = "undated" if pd.isna(row["date"]) else f"{row['date']:%Y-%m-%d}"
            st.markdown(f"**{row['what']}** · {date} · `{row['table']}` `{row['id']}` · seed {row['source_id']}")
            st.caption(f"“{row['quote']}”")
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
st.dataframe(pd.DataFrame(lengths), hide_index=True, use_container_width=True)
st.caption(
    f"{facts['explanation']} Drawn route lengths are geodesic distances along the approximate waypoints in "
    "`data/route_waypoints.csv`, so they run shorter than the built pipelines."
)
