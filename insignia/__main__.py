from insignia.cli import main

main()
