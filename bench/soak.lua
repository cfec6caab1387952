-- The soak mix: code pages, the browse and class pages, searches, a 304
-- revalidation and the JSON API, in turn on every connection.
local etag = os.getenv("SOAK_ETAG") or ""
local etag_path = os.getenv("SOAK_ETAG_PATH") or "/404/"
local search = os.getenv("SOAK_SEARCH") or "/search/?q=redirect"

local requests = {
  { path = "/404/" },
  { path = "/" },
  { path = "/200/" },
  { path = "/4xx/" },
  { path = search },
  { path = etag_path, headers = { ["If-None-Match"] = etag } },
  { path = "/api/codes/404/" },
  { path = "/301/" },
  { path = "/api/codes/" },
  { path = "/5xx/" },
}

local n = 0

function request()
  n = n + 1
  local r = requests[(n % #requests) + 1]
  return wrk.format("GET", r.path, r.headers)
end

