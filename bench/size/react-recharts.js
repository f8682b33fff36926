// The seed's stack: React, React DOM and a recharts line chart of CPU and memory.
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export function mount(element, data) {
  createRoot(element).render(
    h(
      ResponsiveContainer,
      { width: '100%', height: 200 },
      h(
        LineChart,
        { data },
        h(CartesianGrid, { strokeDasharray: '3 3' }),
        h(XAxis, { dataKey: 'time' }),
        h(YAxis, null),
        h(Tooltip, null),
        h(Line, { type: 'monotone', dataKey: 'cpu', stroke: '#0969da', isAnimationActive: false }),
        h(Line, { type: 'monotone', dataKey: 'memory', stroke: '#8250df', isAnimationActive: false }),
      ),
    ),
  );
}
