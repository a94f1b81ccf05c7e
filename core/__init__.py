"""What every part of the project shares: paths, the one-line error, atomic files and content hashes, the settings,
the storyboard, the readers of the recordings and the scene context. It imports no other part of the project, so
model/, scenes/ and pipeline/ can all import it without importing one another."""
