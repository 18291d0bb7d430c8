"""The pages: one module per page, each with a ``main()`` that lays out its topics' sections (dashboard/pages.py lists them)."""
