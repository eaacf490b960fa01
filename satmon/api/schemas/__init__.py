"""Request and response models of the API (XBase / XCreate / XPublic naming), one
module per group of routes."""
