"""Swedish as written in Finland: "kl. 8.00" (Svenska språkbyrån i Finland).
Whatever is not set here comes from Django's own Swedish formats."""

TIME_FORMAT = "G.i"
# A time of day in running text (yhdessa.formats.time_of_day).
TIME_OF_DAY_FORMAT = r"\k\l. G.i"
DATETIME_FORMAT = "j F Y G.i"
# Finland's Swedish writes dates as Finnish does (23.11.2026), not as Sweden
# does (2026-11-23), so that a date reads the same on every page.
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = "j.n.Y G.i"
