setTimeout(() => { try { require("fs").readFileSync(process.argv[2] + "/fn.js"); console.log("read ok") } catch (e) { console.log("read fail") } }, 1000);
