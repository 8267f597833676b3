"""A tiny OpenID provider (django-oauth-toolkit) for the single sign-on tests.

It is a separate Django project with its own settings and SQLite file, run in
its own process (Django's settings are global to a process): see process.py.
"""
