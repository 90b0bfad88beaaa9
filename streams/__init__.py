"""The Faust app: topics, agents and worker start-up. Wiring only; the work is in enrichers/."""
