from ohsteward.cli import main

main()
