"""A floor: a bare Streamlit app (a title, one line of text, one slider).

The benchmark loads it side by side with the dashboard (with the other
floors, ``bare_altair.py`` and ``bare_pydeck.py``), so dashboard figures are
quoted as ratios against what Streamlit itself costs on the same machine in
the same run. The line of text shows the slider's value, so the
benchmark can see when a slider change has come back from the server.
"""

import streamlit as st

st.title("Bare Streamlit")
value = st.slider("Value", 0, 10, 5, key="value")
st.write(f"One line of text: the slider is at {value}.")
