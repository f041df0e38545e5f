# diemtua - build on Debian 12 and run as an unprivileged user.
#
#   docker build -t diemtua .
#   docker run -p 8080:8080 -v diemtua-data:/var/lib/diemtua \
#       -v $PWD/diemtua.conf:/etc/diemtua/diemtua.conf:ro \
#       -e DIEMTUA_KANNEL_TOKEN=... diemtua
#
# The image's default configuration (config/docker.conf) serves on 0.0.0.0:8080
# with the log provider and its database in the /var/lib/diemtua volume;
# mount your own /etc/diemtua/diemtua.conf for real traffic.

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config \
      libmicrohttpd-dev libcurl4-openssl-dev libsqlite3-dev libsodium-dev \
      libutf8proc-dev libssl-dev libjansson-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make -j"$(nproc)" \
 && make install PREFIX=/usr DESTDIR=/out

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmicrohttpd12 libcurl4 \
      libsqlite3-0 libsodium23 libutf8proc2 libssl3 libjansson4 \
      ca-certificates sqlite3 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/diemtua --shell /usr/sbin/nologin \
      diemtua \
 && mkdir -p /var/lib/diemtua /etc/diemtua \
 && chown diemtua:diemtua /var/lib/diemtua
COPY --from=build /out/usr/bin/diemtua /usr/bin/diemtua
COPY config/messages.conf /etc/diemtua/messages.conf
COPY config/phrases.conf /etc/diemtua/phrases.conf
COPY config/docker.conf /etc/diemtua/diemtua.conf
USER diemtua
WORKDIR /var/lib/diemtua
VOLUME /var/lib/diemtua
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s \
  CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/bin/diemtua"]
CMD ["serve", "--config", "/etc/diemtua/diemtua.conf"]
