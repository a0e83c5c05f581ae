-- Switchyard's reload-free upstreams (setting lua_upstreams), run by nginx's Lua
-- module. A pool's members live in the shared dict under its name, as one line:
-- space-separated "weight,max_fails,fail_timeout_s,flags,address" (flags: b
-- backup, d down). The balancer reads the line on every request and re-parses
-- it only when it changed; the agent sets lines through the loopback endpoint.
local balancer = require "ngx.balancer"
local dict = ngx.shared.switchyard_peers
local M = {}
local cache = {} -- per worker: pool -> { raw = line, peers = parsed }
local fails = {} -- per worker: address -> { n = failures, at = last failure }

local function parse(raw)
  local peers = {}
  for entry in raw:gmatch("%S+") do
    local w, mf, ft, fl, addr = entry:match("^(%d+),(%d+),([%d.]+),(%a*),(.+)$")
    if addr then
      peers[#peers + 1] = {
        addr = addr, weight = tonumber(w), max_fails = tonumber(mf),
        fail_timeout = tonumber(ft), backup = fl:find("b", 1, true) ~= nil,
        down = fl:find("d", 1, true) ~= nil, cw = 0,
      }
    end
  end
  return peers
end

local function failed(p, now)
  local f = fails[p.addr]
  return p.max_fails > 0 and f ~= nil and f.n >= p.max_fails and now - f.at <= p.fail_timeout
end

-- nginx's smooth weighted round robin over the usable peers of one tier.
local function choose(peers, backup, tried, now, strict)
  local best, total = nil, 0
  for _, p in ipairs(peers) do
    if p.backup == backup and not p.down and not tried[p.addr] and
        not (strict and failed(p, now)) then
      p.cw = p.cw + p.weight
      total = total + p.weight
      if best == nil or p.cw > best.cw then best = p end
    end
  end
  if best then best.cw = best.cw - total end
  return best
end

function M.balance(name)
  local raw = dict:get(name)
  local c = cache[name]
  if c == nil or c.raw ~= raw then
    c = { raw = raw, peers = raw and parse(raw) or {} }
    cache[name] = c
  end
  local ctx, now = ngx.ctx, ngx.now()
  local tried = ctx.switchyard_tried
  if tried then -- a retry (proxy_next_upstream): count the failure as nginx's max_fails does
    local last = ctx.switchyard_last
    if last and last.max_fails > 0 and balancer.get_last_failure() == "failed" then
      local f = fails[last.addr]
      if f == nil or now - f.at > last.fail_timeout then
        f = { n = 0 }
        fails[last.addr] = f
      end
      f.n, f.at = f.n + 1, now
    end
  else
    tried = {}
    ctx.switchyard_tried = tried
    local usable = 0
    for _, p in ipairs(c.peers) do if not p.down then usable = usable + 1 end end
    if usable > 1 then balancer.set_more_tries(usable - 1) end
  end
  local pick = choose(c.peers, false, tried, now, true) or choose(c.peers, true, tried, now, true)
      or choose(c.peers, false, tried, now, false) or choose(c.peers, true, tried, now, false)
  if pick == nil then
    ngx.log(ngx.ERR, "switchyard: pool ", name, " has no live member")
    -- A socket that cannot exist: nginx answers 502, as for an upstream without live servers.
    return balancer.set_current_peer("unix:/switchyard-no-live-member")
  end
  tried[pick.addr] = true
  ctx.switchyard_last = pick
  local ok, err = balancer.set_current_peer(pick.addr)
  if not ok then
    ngx.log(ngx.ERR, "switchyard: pool ", name, ": ", pick.addr, ": ", err)
    return balancer.set_current_peer("unix:/switchyard-no-live-member")
  end
end

local function body()
  ngx.req.read_body()
  local data = ngx.req.get_body_data()
  if data == nil then
    local path = ngx.req.get_body_file()
    if path == nil then return "" end
    local f = assert(io.open(path, "rb"))
    data = f:read("*a")
    f:close()
  end
  return data
end

-- POST: lines "NAME LINE" set a pool ("NAME" alone: no member), "-NAME" removes
-- it; ?full=1 also removes every pool the body does not name. GET ?pools=a,b
-- (default: all) answers the same lines, read back from the dict.
function M.endpoint()
  if ngx.req.get_method() == "POST" then
    local seen, n = {}, 0
    for line in body():gmatch("[^\n]+") do
      local name, value = line:match("^(%S+) ?(.*)$")
      if name and name:sub(1, 1) == "-" then
        dict:delete(name:sub(2))
      elseif name then
        local ok, err = dict:safe_set(name, value)
        if not ok then
          ngx.status = 507
          ngx.say("cannot set pool ", name, ": ", err, " (lua_shared_dict switchyard_peers is full)")
          return
        end
        seen[name], n = true, n + 1
      end
    end
    if ngx.var.arg_full == "1" then
      for _, k in ipairs(dict:get_keys(0)) do if not seen[k] then dict:delete(k) end end
    end
    ngx.say("set ", n)
    return
  end
  local names = {}
  if ngx.var.arg_pools then
    for name in ngx.var.arg_pools:gmatch("[^,]+") do names[#names + 1] = name end
  else
    names = dict:get_keys(0)
  end
  local out = {}
  for _, name in ipairs(names) do
    local v = dict:get(name)
    out[#out + 1] = v == nil and ("-" .. name) or (v == "" and name or (name .. " " .. v))
  end
  ngx.say(table.concat(out, "\n"))
end

-- At every configuration load (start, reload; in the master): the lines the
-- agent last pushed, so a cold start serves the members before the agent runs.
function M.seed(path)
  local f = io.open(path, "rb")
  if f == nil then return end
  for line in f:lines() do
    local name, value = line:match("^(%S+) ?(.*)$")
    if name then dict:safe_set(name, value) end
  end
  f:close()
end

return M
