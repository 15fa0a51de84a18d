// The argument checks every Loom script in Redis begins with. Redis does not undo a script that
// fails halfway, so each script checks its arguments before it writes anything: a bad one (a
// NaN estimate) is answered with a `LOOM_BAD_ARGUMENT` error, a bug in the call, never half a
// write.

/** Lua: `number(i, name, min, whole)` and `id(i, what)`, reading `ARGV[i]` or failing the call. */
export const SCRIPT_ARGUMENTS = `
-- ARGV[i] as a finite number of at least min (a whole one when whole), or the error of a bad call.
local function number(i, name, min, whole)
  local value = tonumber(ARGV[i])
  -- nil: not a number; value ~= value: NaN; math.huge: an infinity.
  if value == nil or value ~= value or value == math.huge or value < min
    or (whole and value % 1 ~= 0) then
    error({err = 'LOOM_BAD_ARGUMENT ' .. name .. ' must be a ' .. (whole and 'whole' or 'finite') .. ' number of at least ' .. min .. ', got ' .. tostring(ARGV[i])})
  end
  return value
end
-- ARGV[i] as an id that is not empty (what: 'claim', 'entry').
local function id(i, what)
  if ARGV[i] == nil or ARGV[i] == '' then
    error({err = 'LOOM_BAD_ARGUMENT the ' .. what .. ' id must not be empty'})
  end
  return ARGV[i]
end
`;
