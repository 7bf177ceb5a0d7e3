import Commands

AllianceCLI.main()
