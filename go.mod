module github.com/sqkit/sqkit

go 1.24

require (
	github.com/benbjohnson/clock v1.3.5
	github.com/looplab/fsm v1.0.3
	github.com/rickar/cal/v2 v2.1.25
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
