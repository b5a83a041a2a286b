"""Excel in and out for the member register (issue 3)."""
