// Chart.js with what a streaming line chart needs, registered as its docs show for tree-shaking.
import { CategoryScale, Chart, Filler, LineController, LineElement, LinearScale, PointElement } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler);

export function lineChart(canvas, labels, cpu, memory) {
  return new Chart(canvas, {
    type: 'line',
    data: { labels, datasets: [{ data: cpu }, { data: memory }] },
    options: { animation: false },
  });
}
