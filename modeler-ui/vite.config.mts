import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // the modeler chunk (bpmn-js, properties panel, linter) is large by nature
    chunkSizeWarningLimit: 2500,
    // Only the UI framework is split by hand (every screen uses it); bpmn-js, form-js and
    // echarts stay in the lazily loaded screen chunks so the login page loads fast.
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (/node_modules\/(element-plus|@element-plus|@vue|vue)\//.test(id)) return 'vendor-ui';
          return undefined;
        },
      },
    },
  },
});
