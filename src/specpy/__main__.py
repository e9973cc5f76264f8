from specpy.cli import main

main()
