-- Every request is a search the page cache has not seen, so this measures the
-- search itself rather than a cache hit. SEARCH_PATH must contain a "?".
local base = os.getenv("SEARCH_PATH") or "/search/?q=redirect"
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local counter = 0

function request()
  counter = counter + 1
  return wrk.format("GET", base .. "&_=" .. id .. "-" .. counter)
end
