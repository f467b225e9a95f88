"""Web pages: server-rendered templates, vendored ECharts and htmx."""
