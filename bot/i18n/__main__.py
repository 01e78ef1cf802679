from cocbot.bot.i18n.tools import main

raise SystemExit(main())
