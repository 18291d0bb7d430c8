"""Kazakhstan–Russia indicators dashboard: curated tables, their checks and the Streamlit app."""
