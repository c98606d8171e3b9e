-- Takes back the agent_logs grant that 0012 up gave agente_ia.
UPDATE roles SET permissions = permissions - 'agent_logs' WHERE name = 'agente_ia';
