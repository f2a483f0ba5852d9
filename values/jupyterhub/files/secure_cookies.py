"""Every cookie the hub sets carries the Secure flag, although the hub sees plain HTTP.

With HTTPS through ACM, TLS ends at the network load balancer, which forwards TCP to the
proxy; the proxy then tells the hub the request came over http (X-Forwarded-Proto), so
JupyterHub would set its cookies without Secure. The login cookies follow
JupyterHub.public_url (an https URL, set in hub.config); this sets the rest (the _xsrf
cookie) through tornado's cookie_options, keeping the chart's other tornado settings.
User servers get the same through JUPYTERHUB_COOKIE_OPTIONS (singleuser.extraEnv).
"""


def configure(c, settings):
    """Adds secure=True to the hub's cookie options when settings ask for it."""
    if not settings or not settings.get("secure"):
        return
    tornado = dict(c.JupyterHub.tornado_settings) if "tornado_settings" in c.JupyterHub else {}
    tornado["cookie_options"] = {**tornado.get("cookie_options", {}), "secure": True}
    c.JupyterHub.tornado_settings = tornado
