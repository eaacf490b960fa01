from satmon.cli import app

app()
