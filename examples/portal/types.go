package main

import "github.com/sqkit/sqkit/sla"

// slaStore and dueLister name the timeline interfaces the portal wires.
type (
	slaStore  = sla.Store
	dueLister = sla.DueLister
)
