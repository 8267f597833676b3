"""English as used in Finland: the 24-hour clock with a colon, "8:00".
Django's default ("8 a.m.") is not how Finland reads times, and it ends in a
full stop that doubles at the end of a sentence. Whatever is not set here
comes from Django's own English formats."""

TIME_FORMAT = "G:i"
# A time of day in running text (yhdessa.formats.time_of_day).
TIME_OF_DAY_FORMAT = "G:i"
# Day before month, as a reader in Finland expects (11/12 would be ambiguous).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, G:i"
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = "j.n.Y G:i"
