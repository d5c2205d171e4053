"""The jobs (build, fetch, harvest, snapshot) and the run context they share."""
