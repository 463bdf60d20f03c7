"""Survey data in: the survey spec, reading files, row accounting, the Survey object."""
