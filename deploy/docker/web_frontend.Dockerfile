# syntax=docker/dockerfile:1
# The dashboard: built with node, served by nginx with deploy/nginx.conf, whose
# /api upstream is pointed at the operation-server container. Built from the
# repository root:
#   docker build -f deploy/docker/web_frontend.Dockerfile -t satmon-web .

FROM node:22-alpine AS build
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM nginx:1.27-alpine
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
# deploy/nginx.conf proxies /api to the API on the same host; here it runs in the
# operation-server container. Fail the build if the line to change is not there.
RUN sed -i 's/server 127\.0\.0\.1:8000;/server operation-server:8000;/' /etc/nginx/conf.d/default.conf \
    && grep -q 'server operation-server:8000;' /etc/nginx/conf.d/default.conf
COPY --from=build /src/frontend/dist /usr/share/nginx/html
EXPOSE 80
