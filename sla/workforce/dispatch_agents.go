package workforce

import (
	"errors"
	"fmt"
	"time"
)

// SetPresence sets an agent's presence. It returns a *RouteError wrapping
// ErrUnknownAgent, or ErrInvalidInput for an invalid presence.
func (d *Dispatcher) SetPresence(agentID string, p Presence) error {
	if !p.Valid() {
		return &RouteError{Op: "presence", Agent: agentID, Err: ErrInvalidInput, Detail: "presence " + p.String()}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	a := d.agents[agentID]
	if a == nil {
		return &RouteError{Op: "presence", Agent: agentID, Err: ErrUnknownAgent}
	}
	was := a.ready()
	a.presence = p
	d.readyChanged(a, was)
	return nil
}

// UpsertAgent adds an agent, or replaces the skills, team, capacity and
// shift of an existing one (keeping its items and load; its presence
// changes only if spec sets one). A capacity below the current load is
// allowed: the agent takes no new work until its load falls. Every problem
// of spec is reported at once as *FieldError values under "agent".
func (d *Dispatcher) UpsertAgent(spec AgentSpec) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	skills := make(map[string]bool, len(d.skills))
	for s := range d.skills {
		skills[s] = true
	}
	if errs := spec.validate("agent", skills, d.cfg.Shifts); len(errs) > 0 {
		return errors.Join(errs...)
	}
	a := d.newAgent(spec)
	if old := d.agents[spec.ID]; old != nil {
		a.load, a.lastSeq = old.load, old.lastSeq
		if spec.Presence == PresenceUnset {
			a.presence = old.presence
		}
		for _, it := range d.items {
			if it.owner == old {
				it.owner = a
			}
		}
	}
	d.agents[spec.ID] = a
	d.setConfigAgent(spec)
	d.restaff()
	return nil
}

func (d *Dispatcher) setConfigAgent(spec AgentSpec) {
	for i := range d.cfg.Agents {
		if d.cfg.Agents[i].ID == spec.ID {
			d.cfg.Agents[i] = cloneAgent(spec)
			return
		}
	}
	d.cfg.Agents = append(d.cfg.Agents, cloneAgent(spec))
}

// RemoveAgent removes an agent that holds no items. It returns a
// *RouteError wrapping ErrUnknownAgent or ErrAgentBusy.
func (d *Dispatcher) RemoveAgent(agentID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	a := d.agents[agentID]
	switch {
	case a == nil:
		return &RouteError{Op: "remove agent", Agent: agentID, Err: ErrUnknownAgent}
	case a.load > 0:
		return &RouteError{Op: "remove agent", Agent: agentID, Err: ErrAgentBusy, Detail: fmt.Sprintf("%d items", a.load)}
	}
	delete(d.agents, agentID)
	for i := range d.cfg.Agents {
		if d.cfg.Agents[i].ID == agentID {
			d.cfg.Agents = append(d.cfg.Agents[:i], d.cfg.Agents[i+1:]...)
			break
		}
	}
	// A team's rotation may still point at agentID: ids after it come next.
	d.restaff()
	return nil
}

// AgentStatus is one agent's state at an instant.
type AgentStatus struct {
	ID       string   `json:"id"`
	Team     string   `json:"team,omitempty"`
	Shift    string   `json:"shift,omitempty"`
	Presence Presence `json:"presence"`
	// OnShift reports whether the agent's shift is open at the instant.
	OnShift  bool `json:"on_shift"`
	Load     int  `json:"load"`
	Capacity int  `json:"capacity"`
}

// Agent returns the status of agent id at at, and false if unknown.
func (d *Dispatcher) Agent(at time.Time, id string) (AgentStatus, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a := d.agents[id]
	if a == nil {
		return AgentStatus{}, false
	}
	d.refreshShifts(at)
	return d.agentStatus(a), true
}

// AgentsAt returns the status of every agent at at, by id.
func (d *Dispatcher) AgentsAt(at time.Time) []AgentStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.refreshShifts(at)
	out := make([]AgentStatus, 0, len(d.agents))
	for _, id := range sortedKeys(d.agents) {
		out = append(out, d.agentStatus(d.agents[id]))
	}
	return out
}

func (d *Dispatcher) agentStatus(a *agent) AgentStatus {
	return AgentStatus{ID: a.spec.ID, Team: a.spec.Team, Shift: a.spec.Shift, Presence: a.presence,
		OnShift: d.onDuty(a), Load: a.load, Capacity: a.spec.Capacity}
}

// Headcount counts agents at an instant.
type Headcount struct {
	// OnDuty agents are Available and on shift: the "agents available"
	// measure a host feeds to emergency.ShortageRule next to
	// Plan.RequiredAt's "agents needed".
	OnDuty int `json:"on_duty"`
	// Free agents are on duty and below capacity.
	Free int `json:"free"`
	// Away and Offline count presence; OffShift counts Available agents
	// whose shift is closed.
	Away     int `json:"away"`
	Offline  int `json:"offline"`
	OffShift int `json:"off_shift"`
}

// HeadcountAt counts the agents by state at at.
func (d *Dispatcher) HeadcountAt(at time.Time) Headcount {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.refreshShifts(at)
	var h Headcount
	for _, a := range d.agents {
		switch {
		case a.presence == Away:
			h.Away++
		case a.presence == Offline:
			h.Offline++
		case !d.onDuty(a):
			h.OffShift++
		default:
			h.OnDuty++
			if a.load < a.spec.Capacity {
				h.Free++
			}
		}
	}
	return h
}
