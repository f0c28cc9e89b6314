"""REST endpoints of the power catalog (`catalog.router`, under /api/powers/) and flowcharts
(`flows.router`, under /api/flows/). Thin: parse, resolve references, call the services and selectors."""
