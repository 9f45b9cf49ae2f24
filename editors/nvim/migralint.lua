-- migralint.lua - the migralint language server (`migralint lsp`) in Neovim.
--
-- Works with Neovim 0.7 (Debian 12's package) and later, without plugins.
-- Use it as your init file (nvim -u migralint.lua), or copy it to
-- ~/.config/nvim/lua/migralint.lua and add require('migralint') to init.lua.
-- docs/editors.md has the lspconfig form for Neovim 0.8+ and the other editors.
--
-- Settings, before it is loaded (all optional):
--   vim.g.migralint_cmd = { 'migralint', 'lsp' }   -- the command (a list)
--   vim.g.migralint_settings = { pgVersion = '13' } -- the "migralint" settings
--                                                   -- of docs/editors.md
--
-- Each SQL buffer is attached to one server per project root: the nearest
-- folder up from the file holding .migralint.json, else .git, else the
-- file's own folder.

local cmd = vim.g.migralint_cmd or { 'migralint', 'lsp' }
local settings = { migralint = vim.g.migralint_settings or vim.empty_dict() }
local clients = {} -- root folder -> client id

local function root_of(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  local config = vim.fn.findfile('.migralint.json', dir .. ';')
  if config ~= '' then
    return vim.fn.fnamemodify(config, ':p:h')
  end
  local git = vim.fn.finddir('.git', dir .. ';')
  if git ~= '' then
    return vim.fn.fnamemodify(git, ':p:h:h')
  end
  return dir
end

local function attach(bufnr)
  local file = vim.api.nvim_buf_get_name(bufnr)
  if file == '' or vim.fn.executable(cmd[1]) == 0 then
    return
  end
  local root = root_of(file)
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client({
      name = 'migralint',
      cmd = cmd,
      root_dir = root,
      init_options = settings,
      settings = settings,
      on_init = function(client)
        -- Neovim does not send the settings on its own.
        client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
      end,
    })
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'sql',
  group = vim.api.nvim_create_augroup('migralint_lsp', { clear = true }),
  callback = function(args)
    attach(args.buf)
  end,
})

-- The usual keys for what the server offers (Neovim 0.10 maps K itself).
vim.keymap.set('n', 'K', vim.lsp.buf.hover, { desc = 'migralint: the statement under the cursor' })
vim.keymap.set('n', '<leader>ca', vim.lsp.buf.code_action, { desc = 'migralint: fixes and ignore comments' })
