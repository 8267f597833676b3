"""Swedish as written in Finland: "kl. 8.00" (Svenska språkbyrån i Finland).
Whatever is not set here comes from Django's own Swedish formats."""

TIME_FORMAT = "G.i"
# A time of day in running text (yhdessa.formats.time_of_day).
TIME_OF_DAY_FORMAT = r"\k\l. G.i"
DATETIME_FORMAT = "j F Y G.i"
SHORT_DATETIME_FORMAT = "Y-m-d G.i"
