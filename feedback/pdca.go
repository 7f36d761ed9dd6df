package feedback

// Phase is the phase of a PDCA cycle.
type Phase string

// PDCA phases. A cycle moves Plan → Do → Check → Act → Closed.
const (
	PhasePlan   Phase = "plan"
	PhaseDo     Phase = "do"
	PhaseCheck  Phase = "check"
	PhaseAct    Phase = "act"
	PhaseClosed Phase = "closed"
)
