"""Finnish as written in Finland: "klo 8.00" (Kielitoimisto). Whatever is not
set here comes from Django's own Finnish formats."""

TIME_FORMAT = "G.i"
# A time of day in running text (yhdessa.formats.time_of_day).
TIME_OF_DAY_FORMAT = r"\k\l\o G.i"
