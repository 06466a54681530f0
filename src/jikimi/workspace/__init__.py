"""The officer's workspace: the officers' and supervisors' week in the console, as
server-rendered pages (Jinja2) that htmx loads into /console/work."""
