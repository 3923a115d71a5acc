"""The language server for story folders (`dayjob lsp`); its help text lives here so `--help` loads nothing else."""

HELP = """\
A Language Server Protocol server for Day Job story folders, over stdin and stdout.
Open any file of a story folder (story.yaml or scenes/*.yaml) and the editor gets:
the problems `dayjob check` reports, as you type, with a quick fix for each
did-you-mean; completion of scene and ending ids, flags, stats, words, categories and
missing keys; hover; go to definition; find references; rename of a scene, ending,
flag, stat or word across every file; and an outline of scenes and choices. It finds
the story folder from each file's path.

Editor set-up (the command is `dayjob lsp`; from a checkout, `.venv/bin/dayjob lsp`):

  VS Code: install a generic LSP client extension, e.g. "Generic LSP Client" (zsol.vscode-glspc),
    then in settings.json:
      "glspc.server.command": "dayjob",
      "glspc.server.commandArguments": ["lsp"],
      "glspc.server.languageId": ["yaml"]

  Neovim (0.11+), in init.lua:
      vim.lsp.config("dayjob", { cmd = { "dayjob", "lsp" }, filetypes = { "yaml" },
        root_markers = { "story.yaml" } })
      vim.lsp.enable("dayjob")

  Helix, in languages.toml:
      [language-server.dayjob]
      command = "dayjob"
      args = ["lsp"]

      [[language]]
      name = "yaml"
      language-servers = ["dayjob", "yaml-language-server"]

It runs alongside yaml-language-server, which reads the JSON Schema named on each
file's first line (`dayjob schema --write DIR` puts one beside the story).
"""
