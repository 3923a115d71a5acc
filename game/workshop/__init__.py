"""Facilitators' tools: serve, results, debrief."""
