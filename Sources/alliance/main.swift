import Commands
Commands.main()
