"""Writers' tools: check, playtest, route, graph, schema."""
