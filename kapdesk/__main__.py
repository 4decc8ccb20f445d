from kapdesk.app import main

raise SystemExit(main())
