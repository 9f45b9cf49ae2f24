-- nvim_test.lua - run by tests/nvim_test.sh inside a headless Neovim that
-- loaded editors/nvim/migralint.lua, the documented configuration, and
-- opened a migration: it waits for migralint's diagnostics, asks for code
-- actions, applies the CONCURRENTLY fix with the client's position
-- encoding, writes the buffer, and checks that the finding is gone and
-- what hover says of the fixed statement. Exits 0 (qall) or 1 (cquit),
-- with what went wrong on stderr.

local failures = 0
local function fail(msg)
  failures = failures + 1
  io.stderr:write('nvim_test: FAIL: ' .. msg .. '\n')
end

local function finish()
  if failures > 0 then
    vim.cmd('cquit 1')
  else
    io.stderr:write('nvim_test: all passed\n')
    vim.cmd('qall!')
  end
end

local RULE = 'require-concurrent-index-creation'

local function finding(rule)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.code == rule and d.source == 'migralint' then
      return d
    end
  end
  return nil
end

local function run()
  if not vim.wait(30000, function() return finding(RULE) ~= nil end, 50) then
    fail('no ' .. RULE .. ' diagnostic within 30 s; got ' .. vim.inspect(vim.diagnostic.get(0)))
    return
  end
  local d = finding(RULE)
  -- Byte columns in the buffer: after SELECT '😀é'; (4 + 2 bytes).
  if d.lnum ~= 0 or d.col ~= 35 or d.end_col ~= 40 then
    fail('the diagnostic is at ' .. vim.inspect({ d.lnum, d.col, d.end_col }) .. ', expected line 0, bytes 35 to 40')
  end
  local client = vim.lsp.buf_get_clients(0)[next(vim.lsp.buf_get_clients(0))]
  if not client or client.name ~= 'migralint' then
    fail('no migralint client attached')
    return
  end
  local line = vim.api.nvim_buf_get_lines(0, 0, 1, false)[1]
  local _, units = vim.str_utfindex(line)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(),
    range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = units } },
    context = { diagnostics = {} },
  }
  local answers = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 10000) or {}
  local fix
  local titles = {}
  for _, answer in pairs(answers) do
    for _, action in ipairs(answer.result or {}) do
      table.insert(titles, action.title)
      if action.kind == 'quickfix' and action.title:find('CONCURRENTLY') then
        fix = action
      end
    end
  end
  if not fix then
    fail('no CONCURRENTLY quickfix among ' .. vim.inspect(titles))
    return
  end
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  vim.cmd('write')
  local fixed = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  if fixed[1] ~= "SELECT '😀é'; CREATE INDEX CONCURRENTLY i ON t (a);" then
    fail('the buffer after the fix: ' .. vim.inspect(fixed))
  end
  if not vim.wait(20000, function() return finding(RULE) == nil end, 50) then
    fail('the fixed buffer still has ' .. RULE)
  end
  local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', {
    textDocument = vim.lsp.util.make_text_document_params(),
    position = { line = 0, character = 20 },
  }, 10000) or {}
  local said = ''
  for _, answer in pairs(hover) do
    if answer.result and answer.result.contents then
      said = said .. (answer.result.contents.value or '')
    end
  end
  if not said:find('SHARE UPDATE EXCLUSIVE', 1, true) then
    fail('hover on the fixed CREATE INDEX: ' .. vim.inspect(said))
  end
end

local ok, err = pcall(run)
if not ok then
  fail('error: ' .. tostring(err))
end
finish()
