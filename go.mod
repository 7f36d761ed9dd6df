module github.com/sqkit/sqkit

go 1.26.0

require (
	github.com/benbjohnson/clock v1.3.5 // indirect
	github.com/looplab/fsm v1.0.3 // indirect
	github.com/rickar/cal/v2 v2.1.25 // indirect
	github.com/samber/lo v1.53.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/exp v0.0.0-20261014143641-f0251eb4aa3e // indirect
	golang.org/x/text v0.22.0 // indirect
)
