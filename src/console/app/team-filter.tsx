import { useId } from 'preact/hooks'
import { developerLabel } from './clients.ts'
import { inEveryTeam, ownTeams, teamsMode, type Identity } from './session.ts'
import { TextField } from './ui.tsx'

interface Props { who: Identity, name: string, value: string, onInput: (value: string) => void, label?: string }

/**
 * A filter on a client's developer; with ACCESS_MODEL=teams, on its team: a member of some teams
 * picks one of them (the server refuses any other with a 403), a member of every team types any.
 */
export function TeamFilter ({ who, name, value, onInput, label = developerLabel(who) }: Props) {
  const id = useId()
  if (!teamsMode(who) || inEveryTeam(who)) return <TextField label={label} name={name} value={value} onInput={onInput} />
  return (
    <div class='field'>
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} onChange={event => { onInput(event.currentTarget.value) }}>
        <option value=''>All your teams</option>
        {ownTeams(who).map(team => <option key={team} value={team}>{team}</option>)}
      </select>
    </div>
  )
}
