# Switchyard: Debian's nginx and the bundled agent in one image. The agent is
# PID 1 and supervises nginx (its child, in the foreground); state, the nginx
# directory and certificates live on volumes.
#   deno task bundle && docker build -t switchyard .
#   docker run -d -p 80:80 -p 443:443 -p 127.0.0.1:8100:8100 \
#     -v sy-state:/var/lib/agent -v sy-nginx:/etc/nginx/switchyard \
#     -v sy-certs:/etc/letsencrypt -v sy-etc:/etc/agent switchyard
FROM denoland/deno:bin-2.9.6 AS deno

FROM debian:12-slim
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    nginx certbot curl ca-certificates openssl \
  && rm -rf /var/lib/apt/lists/* \
  && rm -f /etc/nginx/nginx.conf /etc/nginx/sites-enabled/default
COPY --from=deno /deno /usr/local/bin/deno
COPY dist/agent.js /opt/switchyard/agent.js
COPY docker/nginx.conf.in /opt/switchyard/nginx.conf.in
COPY docker/entrypoint.sh /usr/local/bin/switchyard-entrypoint
COPY docker/healthcheck.sh /usr/local/bin/switchyard-healthcheck
VOLUME ["/var/lib/agent", "/etc/nginx/switchyard", "/etc/letsencrypt", "/etc/agent"]
EXPOSE 80 443 8100
HEALTHCHECK --interval=15s --timeout=6s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/switchyard-healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/switchyard-entrypoint"]
